"""The embedded buyer on ONNX Runtime GenAI: the same weights as the transformers backend,
decoded about five times faster and loaded without torch.

The first load converts the card's weights once: the GGUF to the safetensors cache (as the
transformers backend does), then that cache to an ONNX model with ONNX Runtime GenAI's model
builder, at the card's precision, into a folder beside it under `paths.cache_dir()` (written to
a temporary folder and renamed into place). The builder runs in a child process: it needs
torch and transformers and about 1.8 GB while it works, and the app should keep neither.
Later loads read the ONNX folder alone, importing neither torch nor transformers.

Token choice, stop tokens and streaming follow `roleplay.buyer.decoding`, shared with the
transformers backend, which stays the reference: on float32 weights, greedy decoding gives the
same text on both.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from roleplay import paths
from roleplay.buyer.base import BuyerRequest, ChatMessage, Progress
from roleplay.buyer.cards import Generation
from roleplay.buyer.decoding import STOP_TOKENS, Logits, Sampling, decode_reply
from roleplay.buyer.transformers_backend import TransformersBackend, publish_folder
from roleplay.errors import BackendError, ModelError
from roleplay.offline import offline_environment

if TYPE_CHECKING:
    from roleplay.buyer.cards import ModelCard
    from roleplay.scenario import Scenario

log = logging.getLogger("roleplay.buyer.onnx")

ONNX_MARKER = "roleplay-onnx.json"
"""Written last into a converted ONNX folder; a folder without it is incomplete."""

ONNX_FORMAT = 2
"""Bumped when the ONNX folder's layout or build options change, so old folders are rebuilt."""

BUILD_TIMEOUT_SECONDS = 900
"""The builder takes about 10 s for SmolLM2-135M; this only stops a hung child."""

CACHE_TOKENS = 1024
"""The KV cache is sized for this many tokens (47 MB for SmolLM2-135M), enough for a prompt
and its reply; a longer one gets a cache of its own size."""

READ_AHEAD_PIECE = 32
"""Prompt tokens read ahead at a time (about 0.15 s on one thread): ONNX Runtime GenAI holds
the GIL while it reads a prompt, so a persona read whole would hold the app most of a second
(`_append_in_pieces`)."""

_LOAD_LOCK = threading.Lock()

_Tokenizer = tuple[Any, set[int], set[int]]
"""A model's tokenizer, its special token ids and its stop ids."""


class _LoadedModel:
    """An ONNX model loaded in this process, and its tokenizer, read on first use.

    ONNX Runtime GenAI holds the GIL while it reads a tokenizer (0.2-0.3 s for SmolLM2's 3.5 MB
    `tokenizer.json`). The first prompt needs it, not the model's Ready: the app reads it in a
    worker once Ready is on screen (`read_tokenizer`), and a prompt that comes first reads it.
    """

    def __init__(self, folder: Path, model: Any) -> None:
        self.folder = folder
        self.model = model
        self._lock = threading.Lock()
        self._tokenizer: _Tokenizer | None = None

    def tokenizer(self) -> _Tokenizer:
        """The tokenizer, its special ids and stop ids, read once (thread-safe).

        Raises:
            ModelError: the tokenizer could not be read.
        """
        with self._lock:
            if self._tokenizer is None:
                self._tokenizer = _read_tokenizer(self.folder, self.model)
            return self._tokenizer


_LOADED: dict[tuple[str, int], _LoadedModel] = {}
"""Models loaded in this process, by folder and thread count. Backends of the same card (the
app builds one per scenario) share the model, each with a KV cache of its own: the second loads
in no time and takes no more memory than its cache."""

_LAYER_LINE = re.compile(r"^Reading layer (\d+)")

_QUANTIZING_LINE = re.compile(r"^Progress: \[[# ]*\] (\d+(?:\.\d+)?)%")

_WRITING = "\ue000"
"""Marks where the message being written ends, in a read-ahead's rendered prompt (a private-use
character no text of a call holds)."""


class OnnxBackend:
    """A buyer backend running an ONNX Runtime GenAI model on the CPU.

    Args:
        card: The model card: `gguf` or `hf_folder`, and `precision`.
        cache_root: Where converted weights are kept (default: `paths.cache_dir()`).
    """

    continues_final_message = True
    """A prompt ending with an assistant message is a reply already started: continue it."""

    def __init__(self, card: ModelCard, cache_root: Path | None = None) -> None:
        self.source = TransformersBackend(card, cache_root)
        """Finds the weights and converts a GGUF to the safetensors cache the builder reads
        (raises ModelError for a card naming no weights)."""
        self.card = card
        self.generation: Generation = card.generation
        """The card's sampling settings (length, temperature, top-p, repetition penalty)."""
        self.cache_root = cache_root
        self.model: Any = None
        self._loaded: _LoadedModel | None = None
        self.load_seconds: float | None = None
        self.converted = False
        """Whether the last `load()` built the ONNX model (a cold load) rather than read it."""
        self._generator: Any = None
        self._capacity = 0
        self._sequence: list[int] | None = None
        """The tokens in the generator's KV cache (None: unknown, do not reuse)."""
        self._owner: object | None = None
        """The reply now using the generator; an older one still being read stops."""
        self.reused_tokens = 0
        """How many tokens of the last reply's prompt the KV cache already held."""
        self._cache_lock = threading.Lock()
        """Held while `prefill` fills the KV cache; a reply waits for it before reusing it."""
        self._replied = False
        """Whether a reply has used the KV cache (a read-ahead then leaves it as it is)."""
        self.model_id = self.source.model_id.replace("transformers:", f"onnx-{card.precision}:", 1)

    @property
    def tokenizer(self) -> Any:
        """The model's tokenizer (read on first use; see `_LoadedModel`).

        Raises:
            ModelError: the tokenizer could not be read.
        """
        return self._tokenizer_parts()[0]

    @property
    def _special_ids(self) -> set[int]:
        return self._tokenizer_parts()[1]

    @property
    def _stop_ids(self) -> set[int]:
        return self._tokenizer_parts()[2]

    def read_tokenizer(self) -> None:
        """Read the tokenizer now, if not yet (the app does so in a worker once Ready is on
        screen, so the first prompt does not wait for it).

        Raises:
            ModelError: the model or its tokenizer could not be read.
        """
        self._tokenizer_parts()

    def _tokenizer_parts(self) -> _Tokenizer:
        if self._loaded is None:
            self.load()
        assert self._loaded is not None
        return self._loaded.tokenizer()

    # -- where the weights are -----------------------------------------------------------

    def onnx_path(self) -> Path:
        """The folder the ONNX model lives in, named for its source and build options."""
        if self.card.gguf is not None:
            base = self.source.cache_path()
        else:
            assert self.card.hf_folder is not None
            folder = self.card.resolve_path(self.card.hf_folder).resolve()
            digest = hashlib.sha256(str(folder).encode()).hexdigest()[:10]
            base = (self.cache_root or paths.cache_dir()) / f"{folder.name}-{digest}"
        level = f"-acc{self.card.accuracy_level}" if self.card.accuracy_level else ""
        rounding = "" if self.card.quantization == "rtn" else "-" + self.card.quantization
        options = f"{self.card.precision}{level}{rounding.replace('_', '')}"
        return base.with_name(f"{base.name}.onnx{ONNX_FORMAT}-{options}")

    def cache_ready(self) -> bool:
        """Whether the ONNX model has been built already."""
        return (self.onnx_path() / ONNX_MARKER).is_file()

    def weights_installed(self) -> bool:
        """Whether the weights the card names are present."""
        return self.source.weights_installed()

    def loads_light(self) -> bool:
        """Whether `load()` only reads the built model: no conversion, so neither torch nor
        transformers is imported (the app then loads the scorer at the same time)."""
        return self.model is not None or self.cache_ready()

    # -- loading -------------------------------------------------------------------------

    def load(self, progress: Progress | None = None) -> None:
        """Load the ONNX model, converting the weights on first use.

        Raises:
            ModelError: the weights are missing, or a conversion or the load failed.
        """
        if self.model is not None:
            return
        report = progress or (lambda message, fraction: None)
        started = time.perf_counter()
        with _LOAD_LOCK:
            folder = self.onnx_path()
            if not (folder / ONNX_MARKER).is_file():
                self._convert(folder, report)
                self.converted = True
            report("loading the buyer model", 0.97 if self.converted else 0.2)
            self._load_folder(folder)
        self.load_seconds = time.perf_counter() - started
        report("buyer model ready", 1.0)

    def _load_folder(self, folder: Path) -> None:
        threads = self.card.generation_threads
        key = (str(folder), threads)
        loaded = _LOADED.get(key)
        if loaded is None:
            loaded = _LOADED[key] = _LoadedModel(folder, _read_model(folder, threads))
        self._loaded, self.model = loaded, loaded.model

    def _convert(self, folder: Path, report: Progress) -> None:
        """Build the ONNX model from the Hugging Face weights, atomically.

        A GGUF is first converted to the safetensors cache (progress 0 to 0.45) unless that is
        there already; the build reports progress layer by layer (to 0.95).
        """
        cache_missing = self.card.gguf is not None and not self.source.cache_ready()
        start = 0.45 if cache_missing else 0.0
        hf_folder = self.source.weights_folder(_scaled(report, 0.0, start))
        report(f"building the ONNX model, {self.card.precision} (first run only)", start)
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        try:
            self._run_builder(hf_folder, tmp, _scaled(report, start, 0.95))
            shutil.rmtree(tmp / "builder-cache", ignore_errors=True)
            marker = {
                "format": ONNX_FORMAT,
                "source": str(hf_folder),
                "precision": self.card.precision,
                "accuracy_level": self.card.accuracy_level,
                "quantization": self.card.quantization,
                "builder": _builder_version(),
            }
            publish_folder(tmp, folder, ONNX_MARKER, marker)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def builder_options(self) -> list[str]:
        """The model builder's `--extra_options` for the card's precision and quantization."""
        # Logits for the last position only: on a 232-token prompt the (prompt x 49k
        # vocabulary) product for every position cost more than the rest of the prefill.
        options = ["prune_lm_head=true"]
        if self.card.accuracy_level and self.card.precision != "fp32":
            options.append(f"accuracy_level={self.card.accuracy_level}")
        if self.card.quantization != "rtn":
            options.append(f"algo_config={self.card.quantization}")
        return options

    def _run_builder(self, hf_folder: Path, out: Path, report: Progress) -> None:
        """Run ONNX Runtime GenAI's model builder in a child process, reporting its layers."""
        layers = _layer_count(hf_folder)
        command = [
            sys.executable,
            "-m",
            "onnxruntime_genai.models.builder",
            *("-i", str(hf_folder), "-o", str(out), "-p", self.card.precision, "-e", "cpu"),
            *("-c", str(out / "builder-cache")),
        ]
        command += ["--extra_options", *self.builder_options()]
        env = offline_environment()
        log.info("building the ONNX model: %s", " ".join(command))
        tail: deque[str] = deque(maxlen=12)
        try:
            child = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                env=env,
            )
        except OSError as exc:
            raise ModelError(f"could not start the ONNX model builder: {exc}") from exc
        assert child.stdout is not None
        with child:
            for line in child.stdout:
                tail.append(line.rstrip())
                step = builder_progress(line, layers)
                if step is not None:
                    report(*step)
            try:
                code = child.wait(timeout=BUILD_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
                code = -1
        if code != 0 or not (out / "genai_config.json").is_file():
            raise ModelError(
                f"could not build the ONNX model from {hf_folder} (exit code {code}); "
                "the builder's last lines:\n" + "\n".join(tail)
            )

    # -- generating ----------------------------------------------------------------------

    def prompt_text(self, messages: Sequence[ChatMessage]) -> str:
        """The chat prompt as text, ending where the assistant's reply begins.

        A prompt ending with an assistant message is a reply already started: the text ends
        inside it, so the model continues it.
        """
        started = bool(messages) and messages[-1].role == "assistant"
        chat = json.dumps([{"role": m.role, "content": m.content} for m in messages])
        text: str = self.tokenizer.apply_chat_template(chat, add_generation_prompt=not started)
        return continue_final_message(text, messages[-1].content) if started else text

    def prompt_ids(self, messages: Sequence[ChatMessage]) -> np.ndarray[Any, np.dtype[np.int32]]:
        """The token ids of the chat prompt (see `prompt_text`)."""
        ids: np.ndarray[Any, np.dtype[np.int32]] = self.tokenizer.encode(self.prompt_text(messages))
        return ids

    def token_count(self, text: str) -> int:
        """How many tokens `text` encodes to."""
        return len(self.tokenizer.encode(text))

    def prefill(self, messages: Sequence[ChatMessage]) -> None:
        """Run the start of a coming prompt into the KV cache, so its reply runs only the rest.

        `messages` open the coming prompt; the last is still being written (the rep's turn as
        typed so far, possibly empty), so the prompt is read up to where its text ends. The
        persona and the rep's first turn are known before the first reply is asked for: read
        while the rep reads the briefing and types, they take most of that reply's prompt off
        the rep's wait. Called again as the text grows, it runs only what changed. Does nothing
        once a reply has used the model (its cache is worth more). Thread-safe against
        `stream`: a reply that starts meanwhile waits for the prefill to finish.

        Raises:
            BackendError: the model failed while reading.
        """
        if self.model is None:
            self.load()
        chat = [{"role": m.role, "content": m.content} for m in messages]
        chat[-1]["content"] += _WRITING
        text: str = self.tokenizer.apply_chat_template(
            json.dumps(chat), add_generation_prompt=False
        )
        if _WRITING not in text:
            raise BackendError("the chat template dropped the message being written")
        ids = self.tokenizer.encode(text[: text.rindex(_WRITING)])
        with self._cache_lock:
            if self._replied or len(ids) < 2:
                return
            generator, cached = self._generator_for(ids, 0, owner=None)
            self._sequence = None  # unknown if the append fails
            try:
                _append_in_pieces(generator, ids[cached:])
            except RuntimeError as exc:
                raise BackendError(f"the buyer model failed while reading ahead: {exc}") from exc
            self._sequence = [int(i) for i in ids]

    def _generator_for(self, prompt: Any, max_new_tokens: int, owner: object) -> tuple[Any, int]:
        """A generator whose KV cache holds the longest prefix of `prompt` it can reuse, and
        how many tokens that is.

        Consecutive prompts share the persona and most of the conversation, and a guard retry
        repeats its prompt whole, so only the new tokens are run; the cache is rewound to where
        they start. At least two tokens are always run: the int4 kernels round a one-token
        step differently from a pass over several, and the same prompt must give the same
        reply whether or not the cache held most of it.
        """
        import onnxruntime_genai as og

        needed = len(prompt) + max_new_tokens + 1
        reusable = 0
        if self._generator is not None and self._sequence is not None and needed <= self._capacity:
            limit = min(len(self._sequence), len(prompt) - 2)
            while reusable < limit and self._sequence[reusable] == int(prompt[reusable]):
                reusable += 1
        if reusable == 0:
            self._capacity = max(CACHE_TOKENS, needed)
            params = og.GeneratorParams(self.model)
            params.set_search_options(max_length=self._capacity, do_sample=False)
            self._generator = og.Generator(self.model, params)
        else:
            self._generator.rewind_to(reusable)
        self._sequence = [int(i) for i in prompt[:reusable]]
        self._owner = owner
        self.reused_tokens = reusable
        return self._generator, reusable

    def stream(
        self, request: BuyerRequest, *, should_stop: Callable[[], bool] = lambda: False
    ) -> Iterator[str]:
        """Yield the reply as it is decoded, one token a step (see `roleplay.buyer.decoding`).

        Sampling uses the request's temperature and the card's top-p (greedy when temperature
        is 0), with the card's repetition penalty; the request's `seed` makes it reproducible;
        `should_stop` is checked between tokens.
        """
        if self.model is None:
            self.load()
        prompt = self.prompt_ids(request.prompt)
        owner = object()
        with self._cache_lock:
            self._replied = True
            generator, cached = self._generator_for(prompt, request.max_new_tokens, owner)

        def step(token: int | None) -> Logits:
            if self._owner is not owner:
                raise BackendError("a newer reply took over the buyer model")
            new = prompt[cached:] if token is None else np.array([token], np.int32)
            sequence, self._sequence = self._sequence, None  # unknown if the append fails
            generator.append_tokens(new)
            self._sequence = [*(sequence or []), *(int(i) for i in new)]
            logits: Logits = np.array(generator.get_logits()[0, -1], dtype=np.float32)
            return logits

        special = self._special_ids

        def decode(ids: Sequence[int]) -> str:
            kept = np.fromiter((i for i in ids if i not in special), dtype=np.int32)
            text: str = self.tokenizer.decode(kept)
            return text

        generation = self.card.generation
        sampling = Sampling(
            request.temperature, generation.top_p, generation.repetition_penalty, request.seed
        )
        try:
            yield from decode_reply(
                step, decode, self._stop_ids, sampling, request.max_new_tokens, should_stop
            )
        except RuntimeError as exc:
            raise BackendError(f"the buyer model failed while generating: {exc}") from exc


def _append_in_pieces(generator: Any, ids: Any) -> None:
    """Run `ids` through the model after what `generator` holds, `READ_AHEAD_PIECE` tokens at
    a time (the last piece takes the remainder, so every piece has at least two tokens; see
    `OnnxBackend._generator_for`).

    ONNX Runtime GenAI holds the GIL while it reads, so read whole, the persona would hold the
    app most of a second; between pieces the app's other threads run. A reply reads its prompt
    whole: in pieces its sampled words changed a little (`make eval`: the model's share of the
    buyer's words 11.8% against 12.2%), and the screen is painted before it starts
    (`PracticeSession.reply`'s `before_model`).
    """
    start = 0
    while start < len(ids):
        end = len(ids) if len(ids) - start < 2 * READ_AHEAD_PIECE else start + READ_AHEAD_PIECE
        generator.append_tokens(ids[start:end])
        start = end


def continue_final_message(rendered: str, final: str) -> str:
    """Cut a rendered chat after the final message's content, so a model continues it.

    The rule of transformers' `apply_chat_template(continue_final_message=True)`, which this
    backend cannot import (it would bring torch): cut after the last occurrence of the
    content, keeping its leading and trailing spaces only where the template kept them.

    Raises:
        BackendError: the template dropped the final message.
    """
    stripped = final.strip()
    if stripped not in rendered:
        raise BackendError("the chat template dropped the reply's first words")
    at = rendered.rindex(stripped)
    if rendered[at : at + len(final.lstrip())] == final.lstrip():
        return rendered[: at + len(final.lstrip())]
    return rendered[: at + len(stripped)]


def builder_progress(line: str, layers: int) -> tuple[str, float] | None:
    """The progress the model builder's output `line` shows, as a fraction of its work.

    The builder prints `Reading layer N` for each of the model's `layers` (most of the time),
    then `Saving ONNX model` (quantizing and writing, the rest; a k-quant build prints its
    search's `Progress: [###   ] N%` meanwhile).
    """
    found = _LAYER_LINE.match(line)
    if found:
        done = (int(found.group(1)) + 1) / max(1, layers)
        return "converting layers to ONNX", round(0.05 + 0.6 * min(1.0, done), 3)
    if line.startswith("Reading embedding"):
        return "converting layers to ONNX", 0.05
    if line.startswith("Saving ONNX model"):
        return "quantizing and writing the ONNX model", 0.7
    found = _QUANTIZING_LINE.match(line)
    if found:  # the k-quant search, matrix by matrix
        done = min(100.0, float(found.group(1))) / 100
        return "quantizing and writing the ONNX model", round(0.7 + 0.24 * done, 3)
    if line.startswith("Saving GenAI config"):
        return "writing the ONNX model's settings", 0.95
    return None


def _scaled(report: Progress, start: float, end: float) -> Progress:
    """A progress callback mapping fractions 0..1 onto start..end of `report`."""

    def scaled(message: str, fraction: float | None) -> None:
        report(message, None if fraction is None else start + (end - start) * fraction)

    return scaled


def _layer_count(hf_folder: Path) -> int:
    try:
        config = json.loads((hf_folder / "config.json").read_text())
        return int(config.get("num_hidden_layers", 0)) or 1
    except (OSError, ValueError):
        return 1


SPIN_MICROSECONDS = 20
"""How long ONNX Runtime's extra threads spin waiting for work before they sleep. A step's
operators follow one another within microseconds, so a short spin keeps them busy; a longer
one keeps them spinning between tokens and replies, on a core the app, the scorer or another
program needs. With the default spin, two threads decoded 31-39 tokens/s beside a busy core
against 54-63 for one; with 20 µs they decode 75-90 tokens/s on an idle 2-core machine against
46-60, and 43-65 beside a busy core against 53-54 (`models/smollm2-135m.yaml`)."""


def _read_model(folder: Path, threads: int) -> Any:
    """Load the ONNX model in `folder` to run on the CPU alone, on `threads` threads
    (spinning at most `SPIN_MICROSECONDS`, and repacking the weights on them, when more than
    one).

    ONNX Runtime GenAI holds the GIL while it builds the model (about half a second): the app's
    other threads wait meanwhile, the scorer's session build among them (ONNX Runtime needs the
    GIL for much of it; see `roleplay.scoring.model.SESSION_BUILDING`).

    Raises:
        ModelError: the model could not be loaded.
    """
    import onnxruntime_genai as og

    try:
        config = og.Config(str(folder))
        config.clear_providers()  # the CPU
        options: dict[str, int | str] = {"intra_op_num_threads": threads}
        if threads > 1:  # og passes keys it does not know to ONNX Runtime's config entries
            options["session.intra_op.spin_duration_us"] = str(SPIN_MICROSECONDS)
            # Repacking the weights for the CPU's kernels is most of the build (ONNX Runtime
            # GenAI holds the GIL throughout): on the threads, 0.21-0.32 s against 0.31-0.43 s.
            options["session.prepack.enable_parallel"] = "1"
        session = {"session_options": options}
        config.overlay(json.dumps({"model": {"decoder": session}}))
        return og.Model(config)
    except Exception as exc:  # og raises RuntimeError and its own types
        raise ModelError(f"could not load the buyer model from {folder}: {exc}") from None


def _read_tokenizer(folder: Path, model: Any) -> _Tokenizer:
    """The tokenizer of the model in `folder`, its special token ids and its stop ids.

    Raises:
        ModelError: the tokenizer could not be read.
    """
    import onnxruntime_genai as og

    try:
        tokenizer = og.Tokenizer(model)
    except Exception as exc:  # og raises RuntimeError and its own types
        raise ModelError(f"could not read the buyer's tokenizer in {folder}: {exc}") from None
    special = _special_token_ids(folder / "tokenizer.json")
    stops = {int(i) for i in tokenizer.eos_token_ids}
    for token in STOP_TOKENS:
        ids = tokenizer.encode(token)
        if len(ids) == 1 and int(ids[0]) in special:
            stops.add(int(ids[0]))
    return tokenizer, special, stops


def _special_token_ids(tokenizer_file: Path) -> set[int]:
    """The ids of the tokenizer's special tokens (skipped in the reply's text, as transformers'
    `skip_special_tokens` does).

    Only the file's `added_tokens` list is parsed when it can be found: the whole file is
    megabytes of JSON, whose parsing holds the GIL (the app would stutter).
    """
    try:
        text = tokenizer_file.read_text()
    except OSError:
        return set()
    added: Any = None
    at = text.find('"added_tokens"')
    if at >= 0:
        with contextlib.suppress(ValueError):
            added, _ = json.JSONDecoder().raw_decode(text, text.index("[", at))
    if not isinstance(added, list):
        try:
            added = json.loads(text).get("added_tokens", [])
        except (ValueError, AttributeError):
            return set()
    return {int(t["id"]) for t in added if isinstance(t, dict) and t.get("special")}


def _builder_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("onnxruntime-genai")
    except PackageNotFoundError:
        return "unknown"


def create(card: ModelCard, scenario: Scenario | None) -> OnnxBackend:
    """Build the `onnx` backend (its `roleplay.backends` entry point)."""
    return OnnxBackend(card)
