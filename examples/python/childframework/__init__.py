"""A port of Genode's child framework (the seed's child.cc, Genode 19.x) to
Python, written against genode-child-spec's contract.

The package is the implementation; child_impl.py beside it is the adapter
that speaks the checker's process protocol. Module by module:

- quota.py     accounts, transactional quota transfers, the quota journal
- args.py      Genode arg strings (ram_quota=8192, cap_quota=4, label="x")
- session.py   session states, their phases, ID spaces, the session registry
- services.py  local, parent (upstream) and child services
- policy.py    the parent's policy for one child: routing, filtering, funding
- env.py       the environment sessions (PD, CPU, LOG, binary, linker)
- child.py     the parent's object for one child: the parent interface
- system.py    a whole system built from a description: apply and observe
"""
