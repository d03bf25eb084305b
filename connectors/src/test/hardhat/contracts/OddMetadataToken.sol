// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Metadata a reader must refuse: a symbol that is not UTF-8, a name() that reverts, decimals beyond uint8.
contract OddMetadataToken {
    function symbol() external pure returns (bytes32) {
        return hex"fffe00";
    }

    function name() external pure returns (string memory) {
        revert("no name");
    }

    function decimals() external pure returns (uint256) {
        return 300;
    }
}
