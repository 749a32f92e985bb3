"""Audio clips and the sound devices the voice coach plays to and records from."""
