"""Backends are found through `roleplay.backends` entry points, roleplay's own included.

Each test installs a small fake distribution (a `*.dist-info` folder and its module) on
`sys.path`, the way pip would, so discovery runs through `importlib.metadata` unchanged.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterator
from pathlib import Path

import pytest

from roleplay.buyer import BuyerRequest, ChatMessage, known_backends, load_backend
from roleplay.buyer import base as registry
from roleplay.errors import ModelError

ECHO_MODULE = """
from roleplay.buyer.cards import Generation


class EchoBackend:
    model_id = "echo:1"
    continues_final_message = False
    generation = Generation()

    def load(self, progress=None):
        pass

    def stream(self, request, *, should_stop=lambda: False):
        yield request.messages[-1].content


def create(card, scenario):
    return EchoBackend()


NOT_A_FACTORY = 42
"""


def install(site: Path, name: str, entry_points: str, module: str = "") -> None:
    """Install the distribution `name` into `site`: its metadata, entry points and module."""
    info = site / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[roleplay.backends]\n{entry_points}\n")
    if module:
        (site / f"{name}.py").write_text(module)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on `sys.path` to install fake distributions into; discovery starts afresh."""
    monkeypatch.syspath_prepend(str(tmp_path))
    registry._declared.cache_clear()
    before = dict(registry._REGISTRY)
    registry._REGISTRY.clear()  # kinds registered or loaded earlier in this process
    yield tmp_path
    registry._REGISTRY.clear()
    registry._REGISTRY.update(before)
    registry._declared.cache_clear()


def card(folder: Path, kind: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / f"my-{kind}.yaml").write_text(f"name: my-{kind}\nbackend: {kind}\n")


def test_the_built_in_backends_are_entry_points_of_roleplay() -> None:
    declared = {
        entry.name: entry.value
        for entry in importlib.metadata.entry_points(group="roleplay.backends")
        if entry.dist is not None and entry.dist.name == "roleplay"
    }
    assert declared == {
        "deterministic": "roleplay.buyer.deterministic:create",
        "onnx": "roleplay.buyer.onnx_backend:create",
        "openai": "roleplay.buyer.openai_backend:create",
        "transformers": "roleplay.buyer.transformers_backend:create",
    }


def test_a_backend_an_installed_package_declares_is_found_and_used(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(site, "roleplay_echo", "echo = roleplay_echo:create", ECHO_MODULE)
    assert {"deterministic", "echo", "onnx", "openai", "transformers"} <= set(known_backends())
    card(site / "cards", "echo")
    monkeypatch.setenv("ROLEPLAY_MODELS", str(site / "cards"))
    backend = load_backend("my-echo")
    assert "".join(backend.stream(BuyerRequest((ChatMessage("user", "hello"),)))) == "hello"


def test_an_entry_point_that_fails_to_load_is_named(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(site, "roleplay_broken", "broken = roleplay_broken_missing:create")
    card(site / "cards", "broken")
    monkeypatch.setenv("ROLEPLAY_MODELS", str(site / "cards"))
    with pytest.raises(ModelError) as caught:
        load_backend("my-broken")
    message = caught.value.message
    assert "buyer backend 'broken' failed to load" in message
    assert "`broken = roleplay_broken_missing:create`" in message
    assert "declared by roleplay_broken 1.0" in message
    assert "ModuleNotFoundError" in message
    # The other backends still work.
    assert "deterministic" in known_backends()
    load_backend("deterministic")


def test_an_entry_point_that_names_no_factory_is_named(site: Path) -> None:
    install(site, "roleplay_echo", "echo = roleplay_echo:NOT_A_FACTORY", ECHO_MODULE)
    with pytest.raises(ModelError, match=r"'echo' is not a backend factory.*names the int 42"):
        registry.backend_factory("echo")


def test_an_unknown_kind_lists_the_known_ones() -> None:
    with pytest.raises(ModelError, match=r"unknown buyer backend 'nope' \(known: deterministic"):
        registry.backend_factory("nope")


def test_an_install_without_roleplays_entry_points_says_how_to_refresh_it(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        importlib.metadata, "entry_points", lambda **_: importlib.metadata.EntryPoints(())
    )
    with pytest.raises(ModelError, match=r"unknown buyer backend 'onnx'.*pip install -e \."):
        registry.backend_factory("onnx")
