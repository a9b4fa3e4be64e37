"""The base every file format's pydantic model builds on."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr


class StrictModel(BaseModel):
    """A pydantic model that rejects unknown keys and remembers the file it was read from."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=False)

    _source: Any = PrivateAttr(default=None)

    def content_hash(self) -> str:
        """A stable sha256 of the model's content, so transcripts can name what produced them."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:16]
