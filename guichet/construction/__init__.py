"""Building the assistant from its sources: generated Rasa files, training, response patching, NLU evaluation, the FAQ source model."""
