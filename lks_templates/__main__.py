from lks_templates.cli import main

raise SystemExit(main())
