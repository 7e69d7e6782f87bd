import matplotlib

matplotlib.use("Agg")

import pytest

from synthtalk_jupyter.chat.source import demo_shop


@pytest.fixture(scope="session")
def shop():
    return demo_shop(customers=60, products=12, orders=400, seed=7)
