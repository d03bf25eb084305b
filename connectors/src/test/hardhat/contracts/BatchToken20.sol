// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// ERC-20 for the wallet-sync benchmark: `spray` makes n ordinary transfers (one Transfer event each) in one
/// transaction, so a wallet with 100,000+ transfers is mined in about a hundred transactions instead of 100,000.
contract BatchToken20 is ERC20 {
    constructor() ERC20("Chaintrack Batch Token", "CBT") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// n transfers from the caller to `to`, the i-th of amount + i (distinct amounts, so a lost or doubled row shows)
    function spray(address to, uint256 n, uint256 amount) external {
        for (uint256 i = 0; i < n; i++) {
            _transfer(msg.sender, to, amount + i);
        }
    }
}
