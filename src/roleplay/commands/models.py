"""`roleplay models`: the model cards, and whether each buyer is ready to play."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from roleplay import paths

    parser = subparsers.add_parser(
        "models",
        help="list buyer model cards and whether each is ready",
        description=(
            "List the model cards in models/ and whether each is ready: weights installed and "
            "converted, or the server reachable. Choose one with --model NAME, $ROLEPLAY_MODEL "
            f"or `default_model:` in {paths.data_dir_label()}/config.yaml."
        ),
    )
    parser.add_argument(
        "--timeout", type=float, default=1.0, help="seconds to wait for a server (default 1)"
    )
    parser.set_defaults(run=run)


def readiness(card: object, timeout: float = 1.0) -> tuple[bool, str]:
    """Whether the buyer a card describes can play now, and a short status."""
    from roleplay.buyer import ModelCard, backend_for_card
    from roleplay.buyer.onnx_backend import OnnxBackend
    from roleplay.buyer.openai_backend import OpenAIBackend
    from roleplay.buyer.transformers_backend import TransformersBackend
    from roleplay.errors import ModelError

    assert isinstance(card, ModelCard)
    try:
        backend = backend_for_card(card)
    except ModelError as exc:
        return False, exc.message
    if isinstance(backend, OnnxBackend):
        if not backend.weights_installed():
            return False, "weights not installed"
        if not backend.cache_ready():
            return True, "weights installed; converts to ONNX on first use (about 45 s)"
        return True, f"ready (converted ONNX model, {card.precision})"
    if isinstance(backend, TransformersBackend):
        if not backend.weights_installed():
            return False, "weights not installed"
        if card.gguf is not None and not backend.cache_ready():
            return True, "weights installed; converts on first use (about 30 s)"
        return True, "ready (converted cache)" if card.gguf is not None else "ready"
    if isinstance(backend, OpenAIBackend):
        return backend.reachable(timeout)
    return True, "ready"


def run(args: argparse.Namespace) -> int:
    from roleplay.buyer import load_cards, selected_model
    from roleplay.buyer.cards import unknown_model_message

    cards, problems = load_cards()
    chosen = selected_model()
    width = max(len(name) for name in cards)
    for name, card in sorted(cards.items()):
        ready, status = readiness(card, args.timeout)
        mark = "*" if name == chosen else " "
        state = "ready" if ready else "not ready"
        print(f"{mark} {name:<{width}}  {card.backend:<13} {state:<9}  {status}")
        if card.description:
            print(f"  {'':<{width}}  {card.description}")
    if chosen in cards:
        print(f"\n* selected: {chosen}")
    else:
        print(f"\n  selected: {chosen}, but no model card has that name")
    for problem in problems:
        print(problem, file=sys.stderr)
    if chosen not in cards:
        print(f"roleplay: {unknown_model_message(chosen, cards, problems)}", file=sys.stderr)
        return 1
    return 1 if problems else 0
