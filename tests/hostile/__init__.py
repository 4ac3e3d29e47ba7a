"""A hostile-input corpus: malformed upstream files for every import kind (``files``) and
hostile command lines for every command (``cases``), each with what airace must do: fail
cleanly (non-zero exit, at most two lines on stderr, no traceback, nothing imported) or
accept cleanly. ``tests/test_hostile.py`` runs it."""
