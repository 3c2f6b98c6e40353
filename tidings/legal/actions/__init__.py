"""Every change the legal desk makes: one ``do_*`` function each, atomic and audited."""
