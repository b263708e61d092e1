from tests.training.conftest import class_factory, entry, occupation, rival, school  # noqa: F401
