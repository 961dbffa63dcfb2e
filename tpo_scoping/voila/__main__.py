"""``python -m tpo_scoping.voila ARGS``: the Voilà launcher with the workbench's configuration."""

import sys

from tpo_scoping.voila.server import serve

serve(sys.argv[1:])
