// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Passes the ether it is sent on to a recipient in an inner call: value only traces (or an explorer's internal
/// transaction list) show, for the wallet history sync tests.
contract Forwarder {
    function forward(address payable to) external payable {
        (bool ok, ) = to.call{value: msg.value}("");
        require(ok, "forward failed");
    }
}
