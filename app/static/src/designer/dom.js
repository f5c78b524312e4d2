// A small helper to build elements: properties (className, id, type, hidden…) and children.
// Never sets a style attribute (the Content-Security-Policy refuses them).

export function element (name, properties, ...children) {
  const node = document.createElement(name)
  Object.keys(properties || {}).forEach(function (key) { node[key] = properties[key] })
  children.forEach(function (child) {
    if (child !== null && child !== undefined) { node.append(child) }
  })
  return node
}
