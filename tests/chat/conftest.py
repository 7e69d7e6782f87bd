import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

TESTS = str(Path(__file__).resolve().parents[1])
if TESTS not in sys.path:  # tests/fakes (fake OpenAI server, Langfuse receiver)
    sys.path.insert(0, TESTS)

import pytest

from synthtalk_jupyter.chat.source import demo_shop


@pytest.fixture(scope="session")
def shop():
    return demo_shop(customers=60, products=12, orders=400, seed=7)
