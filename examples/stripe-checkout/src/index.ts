export {
  SAMPLE_API_VERSION,
  stripeId,
  newPurchase,
  checkoutCompleted,
  subscriptionCreated,
  subscriptionUpdated,
  subscriptionDeleted,
  invoicePaid,
  type Purchase,
} from './events.js'
export { sendStripeEvent, type WebhookAnswer } from './send.js'
export { MailCatcher, extractLicenseKey, type CaughtMail } from './mail-catcher.js'
export { readPurchase, writePurchase } from './purchase-file.js'
export {
  runCheckoutWalkthrough,
  WalkthroughError,
  FREE_PRICE,
  PRO_PRICE,
  type WalkthroughOptions,
  type WalkthroughResult,
} from './walkthrough.js'
