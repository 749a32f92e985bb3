"""Helpers shared by several test folders: waiting on a conversation's tracker
(``tracker.py``) and the private PostgreSQL server of the storage tests (``postgres.py``)."""
