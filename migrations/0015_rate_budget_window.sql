-- The sends of each shared request budget, as well as its clock (issue 15:
-- "zero 429s" with several replicas). The clock in rate_budgets spaces the
-- starts 1/47 s apart, but a replica that is slow to wake (a busy machine)
-- sends a late start when it does, and several late starts of one replica
-- then land together beside the others' on-time ones: at 10,000 channels,
-- three replicas on a loaded 2-core machine put 51 requests into one second
-- of the Discord mock and met two global 429s. So each request, just before
-- it goes, also records its send here, and waits if the budget's limit of
-- sends already went out in the last second: a cap on what is actually
-- sent, on one clock, across replicas, where the clock alone only spaces
-- what was planned.
ALTER TABLE rate_budgets
    ADD COLUMN sent timestamptz[] NOT NULL DEFAULT '{}'; -- the latest sends (PostgreSQL's clock), oldest first, at most the budget's per-second cap of them: a request may go when the oldest of a full list is a second old
