"""Data stores by image: databases, caches and brokers that must never face the network.

The image table lives in :mod:`pytest_biothings_ready.deploy.images` (the static family
reads it too); this module adds the compose-service view.
"""

from __future__ import annotations

from pytest_biothings_ready.deploy.images import DATA_STORES, image_name, is_store_image
from pytest_biothings_ready.probes.repository.deploy import Service

__all__ = ["DATA_STORES", "image_name", "is_data_store", "is_store_image"]


def is_data_store(service: Service) -> bool:
    """The compose service runs a database, cache or broker image."""
    return is_store_image(service.image)
