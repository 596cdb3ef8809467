// The release version (a test keeps it equal to package.json's).
export const VERSION = '0.1.0';

/** `runsecrets 0.1.0 (node v24.21.0 on linux/x64)`, or `(bun 1.4.5 on linux/arm64)`: what --version and -v print, after gosu's. */
export function versionLine(versions: NodeJS.ProcessVersions = process.versions, platform: string = process.platform, arch: string = process.arch): string {
  const runtime = versions.bun === undefined ? `node v${versions.node}` : `bun ${versions.bun}`;
  return `runsecrets ${VERSION} (${runtime} on ${platform}/${arch})`;
}
