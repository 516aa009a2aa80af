#!/usr/bin/env bash
# Installs the Debian packages Distillery needs, only those missing. Sourced by scripts/run
# and scripts/test; usage: ensure_packages PKG...
ensure_packages() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing system packages: ${missing[*]}" >&2
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "Please install as root: apt-get install ${missing[*]}" >&2; return 1; }
        sudo="sudo"
    fi
    $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# Building: fontconfig headers for the font lookup of Slint's software renderer.
BUILD_PACKAGES=(pkg-config libfontconfig1-dev)
# Running a window: X11 and keyboard libraries that winit loads at run time.
WINDOW_PACKAGES=(libfontconfig1 libx11-xcb1 libxcursor1 libxrandr2 libxi6 libxkbcommon-x11-0)
# Testing: a virtual X server, input, window properties and screenshots for the end-to-end
# tests; a headless Weston for the Wayland test; ImageMagick, exiftool, cwebp and python3
# remake the fuzz test's seed files (scripts/make-fuzz-seeds); a private D-Bus session with
# gnome-keyring's Secret Service for the keyring test and a notification server.
TEST_PACKAGES=(xvfb xdotool x11-utils imagemagick libimage-exiftool-perl webp python3 dbus-daemon gnome-keyring weston)
# scripts/package: dpkg-deb and strip, the icon renderer, lintian to check the .deb,
# mksquashfs and curl for the AppImage, the validators of the desktop entry and metainfo; the libraries the .deb depends on, so
# the package test's simulated install finds them even where apt has no package lists.
PACKAGE_PACKAGES=(dpkg-dev binutils librsvg2-bin lintian squashfs-tools curl
    appstream desktop-file-utils
    libfontconfig1 libx11-6 libx11-xcb1 libxcursor1 libxi6 libxcb1 libxkbcommon0 libxkbcommon-x11-0 libwayland-client0 libdbus-1-3)
