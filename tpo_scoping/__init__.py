"""tpo-scoping: training needs analysis and engagement scoping for offshore teams.

The package is organised one concept per module:

* :mod:`tpo_scoping.profile` - the prospect profile (YAML) and its validation;
* :mod:`tpo_scoping.assumptions` - default costs and benchmarks as sourced data;
* :mod:`tpo_scoping.data_contract` - the canonical performance-data tables;
* :mod:`tpo_scoping.synthetic` - seeded synthetic prospects with planted effects;
* :mod:`tpo_scoping.cli` - the ``tpo-scoping`` command line.
"""

__version__ = "0.1.0"
