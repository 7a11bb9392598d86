# The portal reads dates year first in every language (liuyang_transport.formats.dates).
from liuyang_transport.formats.dates import DATE_INPUT_FORMATS  # noqa: F401
