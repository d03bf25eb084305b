// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";

/// ERC-20 for the ingestion tests: anyone may mint, holders burn through ERC20Burnable.
contract TestToken20 is ERC20, ERC20Burnable {
    constructor() ERC20("Chaintrack Test Token", "CTT") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
