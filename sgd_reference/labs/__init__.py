"""The code behind each lab notebook: experiments, their figures and their widget panels, one module per lab topic.

This is the top of the teaching layer. It builds on the optimiser core (`sgd_reference.SGD`, `schedules`, ...) and on
the shared teaching base (`plotting`, `widgets`, `datasets`, `training`); nothing below imports it.
"""
