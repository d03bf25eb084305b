// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Emits a Transfer event with the ERC-20 signature but only two topics (the recipient is not indexed),
/// so the follower meets a real non-standard log it must count and skip.
contract OddEmitter {
    event Transfer(address indexed from, address to, uint256 value);

    function emitOdd(address to, uint256 value) external {
        emit Transfer(msg.sender, to, value);
    }
}
