"""JSON API mirroring the Hugging Face Hub's papers API paths and field names."""
