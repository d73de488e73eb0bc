"""The published model: the store of published versions and the model server Rasa pulls from."""
