"""The one root of every exception the toolkit raises, and the tree below it.

``except LotusPayContractError`` catches anything the toolkit raises on purpose; a type that
also means a builtin kind of failure inherits that builtin too (a failing verdict is an
``AssertionError``, a bad file a ``ValueError``, the warning a ``UserWarning``), as Hypothesis'
``errors.py`` does. Each class lives in the room that raises it (the tree names the room), next
to the code that gives it meaning; this module imports nothing, so every room can build on it.
The tree (tests/test_errors.py keeps it complete and true: every class, its room, its builtin)::

    LotusPayContractError
    ├── SettingsError [ValueError] settings: an option's value (command line, environment or
    │                              config file) is unusable; printed as one usage line
    ├── UnreadableInput            validation: a file or stream cannot be read, or is not JSON
    ├── HarError [ValueError]      validation: a file is not a HAR document we can read
    ├── TargetError                client: the target gave no usable answer (connect, timeout,
    │                              too large, protocol); carries the masked curl line
    ├── LiveWriteRefused           client: a write with a live key, live writes not allowed
    ├── NotExercised               suite: a check judged nothing (e.g. the target refused the
    │                              key); reported as "not exercised", never as a pass
    ├── CheckFailure [AssertionError]
    │                              suite: a check's verdict against the target, citing its rule
    ├── CheckPackError [ValueError]
    │                              suite: a check pack cannot be loaded, or one of its checks
    │                              cannot be registered
    ├── TargetUnreachable          suite: the target cannot be reached at all (nothing listens,
    │   │                          DNS, TLS): no verdict is possible, the run stops
    │   └── MainKeyRefused         suite: the preflight's main key was refused (401/403): the
    │                              run stops before any check (exit 2)
    ├── MergeError [ValueError]    report: reports that cannot be merged (other runs, a shard
    │                              missing or twice, a check that differs)
    ├── NotAReport [ValueError]    report: a JSON file that is not a run report
    ├── BaselineError [ValueError] report: a baseline file that cannot be used (unreadable,
    │                              not its schema's shape, an entry without a reason)
    ├── DiffFailure [AssertionError]
    │                              plugin: the differential test found a failing difference
    ├── ClientContractError [AssertionError]
    │                              plugin: a client under test sent requests that break the
    │                              request contract (strict), or retried a create unkeyed
    ├── LotusPayWarning [UserWarning]
    │                              plugin: a SHOULD or MAY finding, failing only under
    │                              --lotuspay-strict
    ├── ApiError                   mock: a request the mock refuses, rendered as a JSON error
    └── (internal signals, never escaping the module that raises them)
        ├── _Repeated [ValueError] mock: a form parameter given twice
        ├── _HeadersTooLarge       mock: the request head passed the cap (parser callback)
        └── _Found                 diff: a failing difference, handed to Hypothesis to shrink

Outside the root on purpose, as ``BaseException`` like ``KeyboardInterrupt``, so that no
``except Exception`` in a check, in Hypothesis or in user code swallows them::

    DeadlineReached                client: the run's time is up; the runner reports the rest
                                   as "not run: deadline"
    RateLimited                    client: still 429 once the retries ran out; the check is
                                   "not exercised: rate limited", never failed
    KeyRefused                     client: a request would use a key the target refused before
                                   the run; what needs it is not exercised
    TargetUnavailable              client: a sustained run of 5xx or no answers (an outage);
                                   the run stops as "target unavailable"
    _ShrinkingDone                 diff: the shrinking budget is spent; keep the shortest so far
    _Terminated [KeyboardInterrupt]
                                   cli: SIGTERM, raised where Ctrl-C would be, for one orderly stop
"""

from __future__ import annotations

__all__ = ["LotusPayContractError"]


class LotusPayContractError(Exception):
    """The root of the toolkit's exceptions: see this module's docstring for the tree."""
