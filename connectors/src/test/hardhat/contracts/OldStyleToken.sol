// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// A token from before ERC-20 settled on string metadata (like MKR or SAI): symbol() and name() return bytes32.
contract OldStyleToken {
    bytes32 public symbol = "OLD";
    bytes32 public name = "Old Style Token";
    uint256 public decimals = 9;
}
