// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IERC20Transfer {
    function transfer(address to, uint256 amount) external returns (bool);
}

interface IUniswapV3PoolCalls {
    function token0() external view returns (address);
    function token1() external view returns (address);
    function mint(address recipient, int24 tickLower, int24 tickUpper, uint128 amount, bytes calldata data)
        external returns (uint256 amount0, uint256 amount1);
    function swap(address recipient, bool zeroForOne, int256 amountSpecified, uint160 sqrtPriceLimitX96, bytes calldata data)
        external returns (int256 amount0, int256 amount1);
}

/// Test-only caller of a Uniswap V3 pool (which only takes liquidity and swaps from contracts with callbacks):
/// pays what the pool asks from this contract's own token balance.
contract V3Caller {
    function mint(address pool, int24 tickLower, int24 tickUpper, uint128 amount) external {
        IUniswapV3PoolCalls(pool).mint(address(this), tickLower, tickUpper, amount, "");
    }

    function swap(address pool, bool zeroForOne, int256 amountIn, uint160 sqrtPriceLimitX96) external {
        IUniswapV3PoolCalls(pool).swap(address(this), zeroForOne, amountIn, sqrtPriceLimitX96, "");
    }

    function uniswapV3MintCallback(uint256 owed0, uint256 owed1, bytes calldata) external {
        pay(owed0, owed1);
    }

    function uniswapV3SwapCallback(int256 delta0, int256 delta1, bytes calldata) external {
        pay(delta0 > 0 ? uint256(delta0) : 0, delta1 > 0 ? uint256(delta1) : 0);
    }

    function pay(uint256 owed0, uint256 owed1) private {
        if (owed0 > 0) IERC20Transfer(IUniswapV3PoolCalls(msg.sender).token0()).transfer(msg.sender, owed0);
        if (owed1 > 0) IERC20Transfer(IUniswapV3PoolCalls(msg.sender).token1()).transfer(msg.sender, owed1);
    }
}
