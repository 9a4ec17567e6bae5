-- Clusters connected to KSeF (from KsefConnected / KsefDisconnected on ksef-{cluster}), so
-- the outbox worker finds whom to send for, whichever event store holds the events.
CREATE TABLE ksef_connections (
  cluster_id  text PRIMARY KEY,
  connected   boolean NOT NULL,
  environment text,
  updated_at  timestamptz NOT NULL
);
