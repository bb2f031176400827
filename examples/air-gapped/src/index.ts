export { openSite, siteFiles, type SiteFiles } from './site.js'
