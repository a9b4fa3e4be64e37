"""The base every file format's pydantic model builds on."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr


class StrictRecord(BaseModel):
    """A pydantic model that rejects unknown keys.

    The base of formats read by the thousand (transcripts): it has no private attributes, since
    pydantic sets those up in Python for every instance, which made reading a folder of
    transcripts (about 56 models each) about twice as slow.
    """

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=False)

    def content_hash(self) -> str:
        """A stable sha256 of the model's content, so transcripts can name what produced them."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:16]


class StrictModel(StrictRecord):
    """A pydantic model that rejects unknown keys and remembers the file it was read from."""

    _source: Any = PrivateAttr(default=None)
