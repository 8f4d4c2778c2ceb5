"""Search: keyword (tantivy), semantic (sentence embeddings + faiss) and hybrid fusion, and similar papers.

Modules: ``query`` (user text → structured query, never fails), ``keyword`` (tantivy index), ``embed``
(models, imported lazily), ``vectors`` (faiss index), ``hybrid`` (fusion), ``sync`` and ``embedding_job``
(keeping the derived indexes in step with the database), ``service`` (one process's indexes and their
freshness), ``searcher`` (one search end to end), ``neighbours`` and ``similar_papers`` (similar papers).
"""
