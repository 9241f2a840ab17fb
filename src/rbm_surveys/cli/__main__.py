import sys

from rbm_surveys.cli import main

sys.exit(main())
