"""Background jobs on RQ (Redis), or inline without REDIS_URL.

* `models`: the job row a progress page reads (owner, region, counts, outcome);
* `queue`: RQ's queue, and the inline fallback when Redis is not set or not answering;
* `runner`: handlers per kind of job, running one, its status (a killed job) and a retry;
* `worker`: `regio worker`.

The Excel engine's uploads, confirms and exports over a size (core/excel/jobs.py)
and all mail (core/mail.py) run through here.
"""
