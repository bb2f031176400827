import type { AnalysisRules } from './types.js'

/**
 * The default analysis rules that get sealed into the analysis bundle. Selectors are the
 * first four bytes of keccak256(signature).
 *
 * @example
 * ```ts
 * const sealed = sealAnalysisBundle(DEFAULT_RULES, key)
 * ```
 */
export const DEFAULT_RULES: AnalysisRules = {
  version: '2026.12.1',
  limits: { maxSteps: 250_000, maxVisitsPerBlock: 12 },
  mev: {
    swapSelectors: {
      '0x38ed1739': 'swapExactTokensForTokens(uint256,uint256,address[],address,uint256)',
      '0x8803dbee': 'swapTokensForExactTokens(uint256,uint256,address[],address,uint256)',
      '0x7ff36ab5': 'swapExactETHForTokens(uint256,address[],address,uint256)',
      '0x18cbafe5': 'swapExactTokensForETH(uint256,uint256,address[],address,uint256)',
      '0x022c0d9f': 'swap(uint256,uint256,address,bytes)',
      '0x414bf389':
        'exactInputSingle((address,address,uint24,address,uint256,uint256,uint256,uint160))',
      '0x04e45aaf': 'exactInputSingle((address,address,uint24,address,uint256,uint256,uint160))',
      '0xc04b8d59': 'exactInput((bytes,address,uint256,uint256,uint256))',
      '0x128acb08': 'swap(address,bool,int256,uint160,bytes)',
      '0x3df02124': 'exchange(int128,int128,uint256,uint256)',
      '0x10d1e85c': 'uniswapV2Call(address,uint256,uint256,bytes)',
      '0xfa461e33': 'uniswapV3SwapCallback(int256,int256,bytes)',
    },
    flashLoanSelectors: {
      '0xab9c4b5d': 'flashLoan(address,address[],uint256[],uint256[],address,bytes,uint16)',
      '0x42b0b77c': 'flashLoanSimple(address,address,uint256,bytes,uint16)',
      '0x920f5c84': 'executeOperation(address[],uint256[],uint256[],address,bytes)',
      '0x1b11d0ff': 'executeOperation(address,uint256,uint256,address,bytes)',
      '0x5c38449e': 'flashLoan(address,address[],uint256[],bytes)',
      '0xf04f2707': 'receiveFlashLoan(address[],uint256[],uint256[],bytes)',
      '0x8b418713': 'callFunction(address,(address,uint256),bytes)',
      '0xe9cbafb0': 'uniswapV3FlashCallback(uint256,uint256,bytes)',
      '0x490e6cbc': 'flash(address,uint256,uint256,bytes)',
      '0x23e30c8b': 'onFlashLoan(address,address,uint256,uint256,bytes)',
    },
    minDistinctSwapSelectors: 2,
  },
}
