-- A wallet's account follows its chain's rule (core.model.ChainAccounts, checked by the API before it writes): a
-- 0x address on EVM chains; on UTXO chains an address of the network (base58 is case-sensitive), a script-hash key,
-- or an account-level extended public key / descriptor. The table keeps only what holds for every chain.
ALTER TABLE wallets DROP CONSTRAINT wallets_address_check;
ALTER TABLE wallets ADD CONSTRAINT wallets_address_check
    CHECK (length(address) BETWEEN 1 AND 300 AND address !~ '\s');
