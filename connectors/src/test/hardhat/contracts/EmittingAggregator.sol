// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";

// Chainlink's MockV3Aggregator (npm chainlink contracts 1.2.0) does not emit AnswerUpdated; real aggregators do, and
// the price pipeline reads prices from that event. This one emits it on every answer, as AggregatorInterface declares.
contract EmittingAggregator is MockV3Aggregator {
    constructor(uint8 _decimals, int256 _initialAnswer) MockV3Aggregator(_decimals, _initialAnswer) {
        emit AnswerUpdated(_initialAnswer, latestRound, block.timestamp);
    }

    function setAnswer(int256 _answer) external {
        updateAnswer(_answer);
        emit AnswerUpdated(_answer, latestRound, block.timestamp);
    }
}
