"""Development code: making the data, training the models and measuring them (the scripts under
scripts/ are its entry points). Installed with the package but never imported at run time; its
dependencies are the ``[train]`` extra."""
