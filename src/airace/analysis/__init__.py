"""Pure analysis functions: tidy tables and parameters in, tidy tables out.

Nothing here reads files, the network or the clock; ``as_of`` is always a parameter.
"""
