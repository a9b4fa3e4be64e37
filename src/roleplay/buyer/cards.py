"""Model cards: small YAML files in `models/` that say which backend and weights a buyer uses.

A card is chosen by name: `--model NAME` on the command line, else `$ROLEPLAY_MODEL`, else
`default_model` in the rep's `config.yaml` (`roleplay.config`), else `smollm2-135m`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from roleplay import paths
from roleplay.buyer.base import DEFAULT_MAX_NEW_TOKENS, DEFAULT_TEMPERATURE
from roleplay.config import config_path as config_path  # still importable from here
from roleplay.config import configured_model
from roleplay.errors import InvalidFileError, ModelError, Problem
from roleplay.model_base import StrictModel
from roleplay.scenario import Identifier, Line
from roleplay.yamlio import iter_yaml_files, load_model

DEFAULT_MODEL = "smollm2-135m"
"""The card used when nothing else names one: the embedded SmolLM2 buyer."""

MODEL_ENV = "ROLEPLAY_MODEL"
"""Environment variable naming the model card to use."""

THREADS_ENV = "ROLEPLAY_BUYER_THREADS"
"""Environment variable fixing the embedded buyer's threads (over the card's `threads`)."""

EnvName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


class GgufSource(StrictModel):
    """A GGUF weights file, shipped in a Python package or at a path."""

    file: Line
    """The file name, e.g. `SmolLM2-135M-Instruct.Q4_1.gguf`."""
    package: Identifier | None = None
    """A Python package whose folder holds the file (found without importing it)."""
    path: Line | None = None
    """Otherwise, the folder holding the file (absolute, `~`, or relative to the card)."""


class Generation(StrictModel):
    """Defaults for generating a buyer reply."""

    max_new_tokens: int = Field(default=DEFAULT_MAX_NEW_TOKENS, ge=8, le=1024)
    """The longest reply, in tokens; the guard allows at most three sentences anyway."""
    temperature: float = Field(default=DEFAULT_TEMPERATURE, ge=0.0, le=2.0)
    """Sampling temperature; 0 means greedy decoding."""
    top_p: float = Field(default=0.9, gt=0.0, le=1.0)
    """Nucleus sampling: keep the smallest set of tokens whose probability reaches this."""
    repetition_penalty: float = Field(default=1.15, ge=1.0, le=2.0)
    """Penalty on tokens already in the reply (transformers backend); 1 means none."""


class ModelCard(StrictModel):
    """Which backend plays the buyer, and with which weights or server."""

    name: Identifier
    """The card's name, used with `--model NAME`; must match the file name."""
    backend: Identifier
    """The backend kind: `onnx` (ONNX Runtime GenAI), `transformers` (the reference),
    `openai` (any OpenAI-compatible server),
    `deterministic` (the scenario's authored lines), or a registered third-party kind."""
    description: Line = ""
    """One line shown by `roleplay models`."""
    gguf: GgufSource | None = None
    """transformers, onnx: a GGUF file to convert once to a safetensors cache (and, for onnx,
    from there to an ONNX model) and load from there."""
    hf_folder: Line | None = None
    """transformers, onnx: a Hugging Face model folder (config.json, safetensors, tokenizer)."""
    dtype: Literal["float32", "bfloat16"] = "float32"
    """transformers: the weights' type in memory; float32 is faster on most CPUs."""
    precision: Literal["int4", "int8", "fp32"] = "int4"
    """onnx: the precision of the converted model's weights. int4 and int8 quantize the matrix
    weights in blocks of 32 (MatMulNBits); fp32 keeps them as they are."""
    accuracy_level: Literal[1, 2, 3, 4] | None = None
    """onnx, int4 and int8 only: the type the quantized matrix products compute in (1 float32,
    2 float16, 3 bfloat16, 4 int8); unset, the builder's default for the CPU (4)."""
    quantization: Literal["rtn", "k_quant", "k_quant_last", "k_quant_mixed"] = "rtn"
    """onnx, int4 only: how the builder rounds the weights to 4 bits. `rtn` rounds each block
    to the nearest step (the builder's default); `k_quant` searches each block's scale the
    way llama.cpp's k-quants do; `k_quant_last` also keeps the output layer (tied to
    the token embeddings) at 8 bits; `k_quant_mixed` also the layers llama.cpp's mixed
    strategy finds most sensitive (the first and last eighth of the layers, and every third
    layer's attention values and MLP down projection). The k-quant search makes the first-run
    build slower (minutes rather than seconds)."""
    threads: int | None = Field(default=None, ge=1, le=256)
    """transformers, onnx: threads for generation (default: the machine's cores, at most 4;
    never more than the machine has; `$ROLEPLAY_BUYER_THREADS` overrides it)."""
    base_url: Line | None = None
    """openai: the server's API root, e.g. `http://localhost:11434/v1`."""
    model: Line | None = None
    """openai: the model name the server knows, e.g. `llama3`."""
    api_key_env: EnvName | None = None
    """openai: the environment variable holding the API key (the key is never stored)."""
    connect_timeout: float = Field(default=3.0, gt=0.0, le=120.0)
    """openai: seconds to wait for a connection."""
    read_timeout: float = Field(default=60.0, gt=0.0, le=600.0)
    """openai: seconds to wait for the next piece of a streamed reply."""
    generation: Generation = Field(default_factory=Generation)
    """Generation defaults."""

    @property
    def generation_threads(self) -> int:
        """The threads to generate on: `$ROLEPLAY_BUYER_THREADS`, else the card's `threads`,
        else the machine's cores up to 4; never more than the machine's cores."""
        cores = os.cpu_count() or 1
        configured = os.environ.get(THREADS_ENV, "").strip()
        if configured.isdigit() and int(configured) > 0:
            return min(int(configured), cores)
        return min(self.threads or 4, cores)

    @property
    def file_name(self) -> str:
        """The card's file as the user knows it, for messages (`models/NAME.yaml` if built-in)."""
        if self._source is not None:
            return str(self._source.path)
        return f"models/{self.name}.yaml"

    def resolve_path(self, value: str) -> Path:
        """A path from the card: `~` expanded, relative paths taken from the card's folder."""
        path = Path(value).expanduser()
        if not path.is_absolute() and self._source is not None:
            path = self._source.path.parent / path
        return path


BUILTIN_DETERMINISTIC = ModelCard(
    name="deterministic",
    backend="deterministic",
    description="The scenario's authored lines, chosen by seed; no model needed.",
)
"""Always available, even without a `models/deterministic.yaml`."""


def card_problems(card: ModelCard, path: Path, *, check_weights: bool = False) -> list[Problem]:
    """Why a card read from `path` cannot run, located in the file; empty when it can.

    Args:
        card: The card, read from `path`.
        path: Its file.
        check_weights: Also check that the weights a transformers card names are present
            (`roleplay validate` does; loading a card to list it does not).
    """
    from roleplay.buyer.base import known_backends

    problems: list[Problem] = []

    def problem(field: str, message: str) -> None:
        line, col = card._source.locate(tuple(field.split("."))) if card._source else (1, 1)
        problems.append(Problem(str(path), line, col, field, message))

    if card.name != path.stem:
        problem("name", f"name '{card.name}' must match the file name")
    if card.backend not in known_backends():
        problem(
            "backend",
            f"unknown backend '{card.backend}' (known: {', '.join(known_backends())})",
        )
    elif card.backend == "openai":
        for needed in ("base_url", "model"):
            if not getattr(card, needed):
                problem(needed, f"the openai backend needs '{needed}'")
        if card.base_url:
            from urllib.parse import urlsplit

            scheme = urlsplit(card.base_url).scheme
            if scheme not in ("http", "https") or not urlsplit(card.base_url).netloc:
                problem(
                    "base_url",
                    f"must be an http:// or https:// URL of a server (got {scheme or 'no'} scheme)",
                )
    elif card.backend == "onnx":
        if card.quantization != "rtn" and card.precision != "int4":
            problem(
                "quantization",
                f"'{card.quantization}' quantizes int4 weights; precision is {card.precision}",
            )
    elif card.backend == "transformers":
        if card.gguf is None and card.hf_folder is None:
            problem("backend", "the transformers backend needs 'gguf' or 'hf_folder'")
        elif check_weights and card.gguf is not None:
            from roleplay.buyer.transformers_backend import TransformersBackend

            try:
                TransformersBackend(card).gguf_path()
            except ModelError as exc:
                problem("gguf.file", exc.message)
        elif check_weights and card.hf_folder is not None:
            folder = card.resolve_path(card.hf_folder)
            if not folder.is_dir():
                problem("hf_folder", f"no such folder: {folder}")
    return problems


def load_card(path: Path, *, check_weights: bool = False) -> ModelCard:
    """Read and validate one model card, and check that it can run.

    Raises:
        InvalidFileError: every problem in the file, located.
    """
    card: ModelCard = load_model(Path(path), ModelCard)
    problems = card_problems(card, Path(path), check_weights=check_weights)
    if problems:
        raise InvalidFileError(problems)
    return card


def load_cards(directory: Path | None = None) -> tuple[dict[str, ModelCard], list[Problem]]:
    """Every valid card in `directory` (default: `paths.models_dir()`), and the problems."""
    directory = directory or paths.models_dir()
    cards: dict[str, ModelCard] = {}
    problems: list[Problem] = []
    if directory.is_dir():
        for file in iter_yaml_files(directory):
            try:
                card = load_card(file)
            except InvalidFileError as exc:
                problems.extend(exc.problems)
                continue
            cards[card.name] = card
    cards.setdefault("deterministic", BUILTIN_DETERMINISTIC)
    return cards, problems


def selected_model(name: str | None = None) -> str:
    """The model card to use: `name`, else `$ROLEPLAY_MODEL`, else the config's, else default."""
    return name or os.environ.get(MODEL_ENV) or configured_model() or DEFAULT_MODEL


def selection_source(name: str | None = None) -> str:
    """Where the selected model's name comes from, for messages: `--model`, the environment
    variable, the config file or the built-in default."""
    if name:
        return "--model"
    if os.environ.get(MODEL_ENV):
        return f"${MODEL_ENV}"
    if configured_model():
        return f"`default_model` in {config_path()}"
    return "the built-in default"


def unknown_model_message(
    chosen: str, cards: dict[str, ModelCard], problems: list[Problem], name: str | None = None
) -> str:
    """Why `chosen` cannot be used: no card has that name (or its card is invalid), where the
    name came from unless it was `--model`, and the known names."""
    source = selection_source(name)
    named_by = "" if source == "--model" else f"named by {source}; "
    hint = ""
    bad = [p for p in problems if Path(p.file).stem == chosen]
    if bad:
        hint = "; its card is invalid:\n" + "\n".join(map(str, bad))
    return f"unknown model '{chosen}' ({named_by}known: {', '.join(sorted(cards))}){hint}"


def find_card(name: str | None = None) -> ModelCard:
    """The model card selected by `name` (see `selected_model`).

    Raises:
        ModelError: no card has that name; the message says where the name came from and
            lists the known ones.
    """
    chosen = selected_model(name)
    cards, problems = load_cards()
    if chosen in cards:
        return cards[chosen]
    raise ModelError(unknown_model_message(chosen, cards, problems, name))
