-- Statements now carry the VAT on what a VAT-payer member supplied, so the amount due equals
-- the signed sum of the member's documents. The stored provisional settlements are a cache
-- of a pure calculation: emptied here, each month is computed again at its next read.
-- (Closed months keep the statements their close recorded.)
DELETE FROM settlement_member_months;
DELETE FROM settlement_cluster_months;
