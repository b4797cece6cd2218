"""The public data sets beside the checkout (../shared/data); tests skip when it is absent."""

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


def shared_json(*parts: str):
    path = DATA.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"shared data not found at {path} (../shared beside the checkout)")
    return json.loads(path.read_text())
