"""Emergency personas: with ``keeper``, unit B (安全应急科, bob and dave) keeps the duty roster; unit A (alice,
carol) never does."""

import pytest
from django.utils import translation

from tests.factories import PDF_BYTES, upload

# The smallest PNG: signature, IHDR, IDAT and IEND chunks of a 1×1 picture.
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


@pytest.fixture
def keeper(unit_b):
    """Unit B keeps the duty roster (the flag an administrator sets in the admin site)."""
    unit_b.keeps_duty_roster = True
    unit_b.save(update_fields=["keeps_duty_roster"])
    return unit_b


@pytest.fixture
def png():
    def _png(name: str = "演练.png"):
        return upload(name, PNG_BYTES, "image/png")

    return _png


@pytest.fixture
def pdf():
    return upload("方案.pdf", PDF_BYTES, "application/pdf")


@pytest.fixture(autouse=True)
def english():
    """Messages in English whatever the catalogue holds, so that tests can match them."""
    with translation.override("en"):
        yield
