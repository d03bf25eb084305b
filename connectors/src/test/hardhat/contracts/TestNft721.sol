// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721Burnable} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721Burnable.sol";

/// ERC-721 for the ingestion tests: anyone may mint any unused id, owners burn through ERC721Burnable.
contract TestNft721 is ERC721, ERC721Burnable {
    constructor() ERC721("Chaintrack Test NFT", "CTN") {}

    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }
}
