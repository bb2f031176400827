export { openSite, siteFiles, type SiteFiles } from './site.js'
export { offlineStep } from './offline-steps.js'
