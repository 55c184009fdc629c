"""Every measurement of the project, imported as ordinary modules.

- :mod:`vanban.evaluation.runner`: ``vanban eval`` — one fresh index, every part, one report;
- :mod:`vanban.evaluation.retrieval`: Recall@1/5 and MRR@10 on ``evals/devset.jsonl``;
- :mod:`vanban.evaluation.extraction`: P/R/F1 of assignments against ``evals/gold``;
- :mod:`vanban.evaluation.answers`: owner accuracy on ``evals/questions.jsonl``;
- :mod:`vanban.evaluation.alqac`: article retrieval on ALQAC 2022 and 2023;
- :mod:`vanban.evaluation.paths`: where the data sets are (``evals/`` of the checkout).

The scripts in ``evals/`` are thin command-line wrappers over these modules.
"""
