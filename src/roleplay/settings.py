"""The rep's settings model and the YAML file it is read from, with pydantic-settings.

`roleplay.config` imports this module only when the rep has a config file: pydantic-settings
takes about a tenth of a second to import.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict, YamlConfigSettingsSource

from roleplay.config import config_path
from roleplay.errors import InvalidFileError
from roleplay.yamlio import field_map, load_yaml, pydantic_problems, read_text

if TYPE_CHECKING:
    from pydantic_settings import PydanticBaseSettingsSource


class Settings(BaseSettings):
    """The rep's settings file; every setting is optional."""

    model_config = SettingsConfigDict(extra="forbid")

    default_model: str | None = Field(
        default=None,
        description="The buyer model card to use, after `--model` and `$ROLEPLAY_MODEL`.",
    )
    rep_name: str | None = Field(
        default=None,
        description="The name recorded in your transcripts, after `--rep`.",
    )

    @field_validator("default_model", "rep_name", mode="before")
    @classmethod
    def _text_or_unset(cls, value: object, info: ValidationInfo) -> object:
        if value is not None and not isinstance(value, str):
            meaning = _MEANINGS.get(info.field_name or "", "text")
            raise PydanticCustomError(
                "not_text",
                "must be {meaning} (got {kind})",
                {"meaning": meaning, "kind": type(value).__name__},
            )
        if isinstance(value, str):
            return value.strip() or None
        return None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment variables are not settings sources: `$ROLEPLAY_MODEL` is read where the
        # model is chosen, so that messages can say which of the three named it.
        return (init_settings, _ConfigFile(settings_cls, config_path()))


_MEANINGS = {"default_model": "a model card name", "rep_name": "the rep's name, as text"}
"""What each setting must be, for messages."""


class _ConfigFile(YamlConfigSettingsSource):
    """The YAML settings source, reading with `yamlio` (safe loading, size and depth limits,
    located syntax errors) instead of a bare `yaml.safe_load`."""

    def _read_file(self, file_path: Any) -> dict[str, Any]:
        text = read_text(file_path)
        if not any(line.strip() and not line.lstrip().startswith("#") for line in text.split("\n")):
            return {}  # everything commented out: every setting unset
        loaded = load_yaml(Path(file_path))
        problems = [*loaded.recovered, *loaded.duplicate_keys]
        if problems:
            raise InvalidFileError(problems)
        if loaded.data is None:
            return {}
        if not isinstance(loaded.data, dict):
            raise InvalidFileError.single(file_path, "expected a mapping of settings at the top")
        return loaded.data


def load_settings() -> Settings:
    """The settings in the rep's config file (`config.config_path`); all unset without one.

    Raises:
        InvalidFileError: the file is not YAML, or a setting is wrong or unknown; every problem
            located in the file.
    """
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        path = config_path()
        loaded = load_yaml(path)
        problems = pydantic_problems(exc, loaded, str(path), field_map(Settings))
        raise InvalidFileError(problems) from None
