"""The teaching base: Hangul plotting, widget panels, small data sets and a training loop.

It sits on the optimiser core (``sgd_reference``'s top-level modules) and under the per-lab modules
(``sgd_reference.labs``) and the exercises. Importing ``sgd_reference`` alone never loads it.
"""
